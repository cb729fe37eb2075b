"""Audit (issue 14): configuration changes as ledger entries, the admin behind a second factor,
auditors' read-only views (ledger browser, credit history, chain verification, evidence bundles,
anchoring chart) and the read-access log."""
