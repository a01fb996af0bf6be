"""What each report template computes and shows, one function per section."""
