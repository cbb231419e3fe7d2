-- Fails the build (error severity) when any reconciliation check did not pass: the numbers finance
-- reads would not add up. Each returned row names the check and both sides.

select
    check_name,
    expected,
    actual,
from {{ ref('audit_reconciliation') }}
where not passed
