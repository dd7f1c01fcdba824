"""One module per job or use case: explicit inputs, a result out, never prints."""
