"""Reading the policy: progress per section and the next step (read → quiz → acknowledge → refresher)."""
