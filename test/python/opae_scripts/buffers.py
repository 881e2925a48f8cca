# An opae.io-style script: DMA buffers (system_buffer) as opae.io's documentation shows them.
b1 = allocate_buffer(4096)
b2 = the_device.allocate(4096)
print(b1.size, '0x{:0x}'.format(b1.address) != '0x0', b1.io_address != 0)
b1[0] = 0xdecafbad
print('0x{:0x}'.format(b1[0]))
b1.fill64(0x5555)
b2.fill64(0x5555)
print(b1.compare(b2))
b2[0x40] = 1
print(b1.compare(b2), '0x{:0x}'.format(b1.read64(0x40)), b2.read64(0x40))
