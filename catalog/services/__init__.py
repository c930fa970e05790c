"""Writes of the catalog beyond stock (stock changes live in `catalog.inventory`)."""
