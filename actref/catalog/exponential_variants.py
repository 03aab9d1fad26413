"""More exponential-family units: eˣ itself, xIELU, ISRLU, ELiSH and hard ELiSH."""
