"""A transparency-log witness (C2SP tlog-witness) and the pure pieces both sides share.

A counterparty bank runs the witness as its own program, with its own key and its own SQLite
state, so nothing here imports Django:

    python -m ledger.witness keygen --name witness.bank.example/w1 --key witness.key
    python -m ledger.witness serve --state state.sqlite --key witness.key --logs logs.txt --port 7401

Modules: `cosignature` (c2sp.org/tlog-cosignature, timestamped Ed25519, key type 0x04),
`policy` (c2sp.org/tlog-policy: which witnesses, what quorum), `protocol` (the add-checkpoint
request and response bodies, and an HTTP client), `store` (the witness's SQLite state),
`server` (the witness itself), `gossip` (comparing what different witnesses saw: a split view).
"""
