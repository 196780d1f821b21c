from django.db import migrations


def seed_roles(apps, schema_editor):
    from accounts.roles import DEFAULTS

    Role = apps.get_model("accounts", "Role")
    for code, name, scope, description in DEFAULTS:
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "data_scope": scope, "description": description}
        )
    apps.get_model("accounts", "SecurityPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial_users_roles_policy")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
