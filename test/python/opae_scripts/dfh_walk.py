# An opae.io-style script: walk the Device Feature List of the_region with read_csr, as
# opae.io's utils.dfh_walk does, printing one line per header.
def dfh_walk(offset=0):
    while True:
        dfh = read_csr(offset)
        yield offset, dfh
        eol = (dfh >> 40) & 1
        nxt = (dfh >> 16) & 0xffffff
        if eol or nxt == 0:
            break
        offset += nxt

for offset, dfh in dfh_walk():
    print('offset: 0x{:04x}, value: 0x{:04x}, id: 0x{:x}, type: 0x{:x}'.format(
        offset, dfh, dfh & 0xfff, dfh >> 60))
