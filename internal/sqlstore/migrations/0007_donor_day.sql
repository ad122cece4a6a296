-- A donor's contributions by date: the dashboard's donor page reads the
-- newest ones (a date window found from the grouped ledger) without
-- scanning the ledger.
CREATE INDEX contribution_versions_donor_day ON contribution_versions (donor, day);
