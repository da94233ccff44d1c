"""Testing support: the pytest plugin (``redrive_cloud`` fixture)."""
