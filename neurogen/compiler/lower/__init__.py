"""User objects to kernels: one lowerer per object family, the helpers they share, the network."""
