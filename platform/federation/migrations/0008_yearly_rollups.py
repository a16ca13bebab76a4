"""The yearly rollups the dashboard reads: for whole years (``FactYear``: the monthly counts summed
by the month's year) and for the twelve-month trend (``FactTrend``: a year's monthly counts side
by side, kinds together), both filled from the monthly rollup."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = ("n", "n_on_time_true", "sum_amount", "sum_attended", "sum_count", "sum_participants")
MONTHS = [f"m{month:02d}" for month in range(1, 13)]
FILL_YEARS = (
    'INSERT INTO "federation_factyear" ("union_id", "year", "name", "kind", {listed}) '
    'SELECT "union_id", EXTRACT(YEAR FROM "month")::integer, "name", "kind", {sums} '
    'FROM "federation_factmonth" GROUP BY 1, 2, 3, 4'
).format(listed=", ".join(f'"{c}"' for c in COLUMNS), sums=", ".join(f'SUM("{c}")' for c in COLUMNS))
FILL_TREND = (
    'INSERT INTO "federation_facttrend" ("union_id", "year", "name", {listed}) '
    'SELECT "union_id", EXTRACT(YEAR FROM "month")::integer, "name", {sums} '
    'FROM "federation_factmonth" GROUP BY 1, 2, 3'
).format(
    listed=", ".join(f'"{m}"' for m in MONTHS),
    sums=", ".join(f'COALESCE(SUM("n") FILTER (WHERE EXTRACT(MONTH FROM "month") = {n}), 0)' for n in range(1, 13)),
)


class Migration(migrations.Migration):

    dependencies = [
        ('federation', '0007_fact_month'),
        ('registry', '0003_audit_protect_function'),
    ]

    operations = [
        migrations.CreateModel(
            name='FactYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='event')),
                ('kind', models.CharField(blank=True, max_length=50, verbose_name='kind')),
                ('n', models.PositiveIntegerField(default=0)),
                ('n_on_time_true', models.PositiveIntegerField(default=0)),
                ('sum_amount', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('sum_attended', models.IntegerField(default=0)),
                ('sum_count', models.IntegerField(default=0)),
                ('sum_participants', models.IntegerField(default=0)),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('union', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.union')),
            ],
            options={
                'verbose_name': 'facts of a year',
                'verbose_name_plural': 'facts by year',
                'indexes': [models.Index(fields=['year', 'name'], name='fact_year_year_name')],
                'constraints': [models.UniqueConstraint(fields=('union', 'year', 'name', 'kind'), name='fact_year_unique')],
            },
        ),
        migrations.CreateModel(
            name='FactTrend',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('name', models.CharField(max_length=50, verbose_name='event')),
                ('m01', models.PositiveIntegerField(default=0)),
                ('m02', models.PositiveIntegerField(default=0)),
                ('m03', models.PositiveIntegerField(default=0)),
                ('m04', models.PositiveIntegerField(default=0)),
                ('m05', models.PositiveIntegerField(default=0)),
                ('m06', models.PositiveIntegerField(default=0)),
                ('m07', models.PositiveIntegerField(default=0)),
                ('m08', models.PositiveIntegerField(default=0)),
                ('m09', models.PositiveIntegerField(default=0)),
                ('m10', models.PositiveIntegerField(default=0)),
                ('m11', models.PositiveIntegerField(default=0)),
                ('m12', models.PositiveIntegerField(default=0)),
                ('union', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.union')),
            ],
            options={
                'verbose_name': 'facts of a year by month',
                'verbose_name_plural': 'facts of years by month',
                'indexes': [models.Index(fields=['year', 'name'], name='fact_trend_year_name')],
                'constraints': [models.UniqueConstraint(fields=('union', 'year', 'name'), name='fact_trend_unique')],
            },
        ),
        migrations.RunSQL(FILL_YEARS, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_TREND, migrations.RunSQL.noop),
    ]
