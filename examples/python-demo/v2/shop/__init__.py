"""A tiny shop, the example ato runs on."""
