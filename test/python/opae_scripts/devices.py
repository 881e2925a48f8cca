# An opae.io-style script: switching device and region, the device and region objects.
import sys

addr = sys.argv[1]
print(the_device.pci_address == addr or addr in repr(the_device))
print(the_device.num_regions >= 1, the_device.regions[0])
print(the_region.index(), len(the_region) > 0, the_region)
print('0x{:08x}'.format(the_device[0]))
device()
print(the_device, the_region)
device(addr)
print(the_region)
region(0)
print('0x{:0x}'.format(the_region.read32(0)), version()[0])
