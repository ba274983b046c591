"""`filing init`: a commented deal file and a tape template to start a new deal from."""
