/* virtio over PCI: claim every virtio function pci_init() found. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

void virtio_pci_probe_all(void);

#endif
