"""Table tests of the attribution grammar: one module per credit-line family (``test_<family>.py``
beside ``core/attribution/families/<family>.py``), ``test_scanner.py`` for what every family shares,
and ``test_table.py`` for the table as a whole."""
