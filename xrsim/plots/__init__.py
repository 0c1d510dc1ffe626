"""Paper figures. matplotlib is imported inside each function, so importing xrsim stays light."""
