"""Pure Python, no Django: the seed-format parser and the extractors."""
