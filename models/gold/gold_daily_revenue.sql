-- Revenue per UTC day of the transactions' current state (updated_at) and currency:
-- transactions counted once each (silver_transactions holds one row per transaction_id), amounts in
-- DECIMAL(18,2), 0.00 when there is none.

with

transactions as (

    select * from {{ ref('silver_transactions') }}

),

daily as (

    select
        cast(timezone('UTC', updated_at) as date) as day,
        currency,
        count(*) as transactions,
        sum(case when status = 'captured' then amount else 0 end) as captured_amount,
        sum(case when status = 'refunded' then amount else 0 end) as refunded_amount,
    from transactions
    group by all

),

final as (

    select
        day,
        currency,
        transactions,
        cast(captured_amount as decimal(18, 2)) as captured_amount,
        cast(refunded_amount as decimal(18, 2)) as refunded_amount,
    from daily
    order by day, currency

)

select * from final
