"""The credit-line families (DESIGN §4), one module each.

Every family module has a ``find(scanner)`` that looks for its triggers in ``scanner.s`` and adds what
it credits with ``scanner.add``; reading a name, accepting it and following hops is the shared
``Scanner``'s work.  ``grammar.find_attributions`` runs the families in a fixed order.  ``_outlets``
is not a family: it reads the outlet behind a reporter or desk word, which several families need.
"""
