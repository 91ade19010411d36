"""Business rules: who may do what and what each action changes. API and page views both call here."""
