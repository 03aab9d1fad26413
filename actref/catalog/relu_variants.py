"""More rectifiers: squareplus, sparse plus, bent identity, StarReLU, SReLU and APL."""
