"""`IdIn`: a column among a list of ids, at the same cost for a thousand ids as for ten.

`filter(pk__in=ids)` prepares each id through the field one by one and sends a parameter per
id: for the thousand ids of a search's results, a few milliseconds of Python for each query
that uses them. `IdIn`
takes the ids as they are (they come from the database: a search's results, a listing's page)
and on PostgreSQL sends them as one array parameter (`column = ANY(%s)`). Elsewhere it is the
ORM's `IN`.

    ProductPage.objects.filter(IdIn(F("pk"), ids))
"""

from django.core.exceptions import EmptyResultSet
from django.db.models.lookups import In


class IdIn(In):
    # The ids are taken as integers, not prepared by the field one at a time.
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(pk) for pk in self.rhs]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
