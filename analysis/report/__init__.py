"""Documents: the notebooks' parameter checks, running and exporting them, printing PDFs."""
