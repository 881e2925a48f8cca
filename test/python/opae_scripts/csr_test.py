# An opae.io-style script (runs unchanged under opae.io): scratch-register test on the active
# region. Usage: opae.io -d ADDR -r 0 csr_test.py OFFSET [COUNT]
import sys

offset = int(sys.argv[1], 0)
count = int(sys.argv[2], 0) if len(sys.argv) > 2 else 4

def check(value):
    write_csr(offset, value)
    got = read_csr(offset)
    if got != value:
        print('mismatch at 0x{:0x}: wrote 0x{:0x}, read 0x{:0x}'.format(offset, value, got))
        sys.exit(1)

for i in range(count):
    check(0x1111111111111111 * (i + 1))
poke(offset, 0xdeadbeef)
peek(offset)
print('0x{:0x}'.format(read_csr(0)))
print('{} writes ok'.format(count))
