"""A bundled, realistic disclosure portal built from real documents, for the demo and tests."""
