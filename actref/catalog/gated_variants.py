"""More self-gated units: hard Mish, clipped GELU, LiSHT and ACON-C."""
