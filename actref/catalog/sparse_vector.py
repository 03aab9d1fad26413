"""Vector activations that sparsify or reweight: softmin, sparsemax, 1.5-entmax and SoLU."""
