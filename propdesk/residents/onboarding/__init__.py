"""Onboarding a company (SPEC §2): its organisation, buildings, rooms, residents and staff read
from one workbook (or one CSV per sheet), checked in a dry run, applied all or nothing, and
written out again in the same format.

The modules, in the order a file travels through them:

- ``sheets``    the five sheets and their columns: headers, notes, examples, fixed values;
- ``columns``   what a column is, and how its cell is read and written;
- ``reading``   the file: its kind and size, the refusals, the header row, the rows as text;
- ``index``     what the company already has, as dicts of natural keys → ids;
- ``org_sheets``, ``staff_sheet``, ``place_sheets``  one checker per sheet: its problems, and
  what would change;
- ``writing``   batched ``bulk_create`` / ``bulk_update`` when the plan is applied;
- ``engine``    one pass over the file for both the dry run and the apply;
- ``report``    the plan: problems by sheet, counts, rows missing from the file; rejected rows;
- ``exporting`` the company written out, and the template;
- ``services``  the entry points the command, the page and the API call.
"""
