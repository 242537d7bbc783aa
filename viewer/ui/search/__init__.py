"""The search bar, the facet sidebar and the thread that runs searches."""
