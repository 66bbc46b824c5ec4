"""Services: every write of the domain. Keyword-only, typed, one transaction each."""
