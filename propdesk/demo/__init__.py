"""The demo company (华宇物业) that `propdesk demo` loads: organisation, residents, staff and a
few hundred tickets with real histories. ``propdesk.demo.logins.DEMO_LOGINS`` lists the staff
accounts. (Nothing is imported here: this package is also the ``demo`` app, loaded before the
models are.)"""
