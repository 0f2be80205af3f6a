"""Package data: lexicons and code tables loaded by tocsin's stages."""
