target_sources(ig_registry PRIVATE)
