"""The domain: services, rules, state machine, auth, cache, metrics. Never imports streamlit."""
