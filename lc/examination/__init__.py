"""Pure-Python UCP 600 examination rules (no Django): terms checks C01-C11, presentation checks C12-C27."""
