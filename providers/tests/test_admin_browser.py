"""The client admin's journey in a real Chromium, under the enforced CSP.

The admin's JavaScript (autocomplete, inlines, actions, radio and date widgets)
must run with no CSP violation and no script error on any page used here.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from providers.models import MemberEvent, ProviderMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page):
    """Collect console errors (Chromium reports CSP violations there) and page errors."""
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def pick(page, field_id, term, option):
    """Choose an option in a Django admin autocomplete (select2) field."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").last.fill(term)
    page.locator(".select2-results__option", has_text=option).click()


def test_the_client_admin_registers_a_new_executante(demo, live_server, desktop_page, login_as, screenshot):
    page = desktop_page
    problems = watch(page)
    login_as(page, "admin@cliente.demo")

    page.goto(f"{live_server.url}/admin/providers/providermember/")
    page.locator(".object-tools a.addlink").click()
    pick(page, "id_contract", "Clima", "Clima Manutenção → Supermercados Exemplo")
    page.locator("#id_full_name").fill("Nina Nova")
    page.locator("#id_email").fill("nina@nova.demo")
    page.locator("input[name=role][value=executante]").check()
    screenshot(page, "admin-register-executante-form")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()

    # The page first: it answers once the person is saved.
    expect(page.locator("ul.messagelist li.success", has_text="Nina Nova")).to_be_visible()
    expect(page.locator("#result_list", has_text="nina@nova.demo")).to_be_visible()
    member = ProviderMember.objects.get(user__email="nina@nova.demo")
    assert (member.role, member.contract.client, member.active) == ("executante", demo["supermercados"], True)
    screenshot(page, "admin-register-executante-done")
    assert problems == []


def test_the_admins_javascript_runs_under_the_csp(demo, live_server, desktop_page, login_as, screenshot):
    page = desktop_page
    problems = watch(page)
    login_as(page, "admin@cliente.demo")
    base = live_server.url

    # Autocomplete (select2 over the scoped JSON view) and the date widgets.
    page.goto(f"{base}/admin/providers/contract/add/")
    page.locator("#id_cnpj").fill("55.566.677/0001-83")
    page.locator("#id_provider_name").fill("Hidráulica Nova")
    pick(page, "id_units", "Moema", "LJ02 · Loja Moema")
    page.locator("#id_start_date + .datetimeshortcuts a").first.click()  # "Hoje"
    expect(page.locator("#id_start_date")).not_to_have_value("")
    page.locator("#id_end_date + .datetimeshortcuts button[id^=calendarlink]").click()  # the calendar
    page.locator(".calendarbox:visible td a", has_text="28").click()
    expect(page.locator("#id_end_date")).to_have_value(re.compile(r"^28/"))
    screenshot(page, "admin-register-contract-form")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()

    # Related-object popups: register a contract from the person form's "+".
    page.goto(f"{base}/admin/providers/providermember/add/")
    with page.expect_popup() as opened:
        page.locator("#add_id_contract").click()
    popup = opened.value
    popup.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    popup.wait_for_load_state()
    popup.locator("#id_cnpj").fill("24.681.357/0001-40")
    popup.locator("#id_provider_name").fill("Gás Seguro")
    popup.locator("input[name=_save]").click()
    popup.wait_for_event("close")
    expect(page.locator("#id_contract option:checked")).to_contain_text("Gás Seguro")

    # Inlines: "add another" adds a row in the page, without a round trip.
    lj01 = Unit.objects.get(code="LJ01")
    page.goto(f"{base}/admin/accounts/unit/{lj01.pk}/change/")
    rows = page.locator("#areas-group tr.form-row:not(.empty-form)").count()
    page.locator("#areas-group .add-row a").click()
    expect(page.locator("#areas-group tr.form-row:not(.empty-form)")).to_have_count(rows + 1)

    # Actions: select a row, choose an action, run it.
    page.goto(f"{base}/admin/providers/providermember/?q=Talita")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("make_gestor")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert MemberEvent.objects.filter(person=demo["tecnico2"], action="reclassified").exists()

    # The person's page: its read-only history, and the form still saves with it.
    member = ProviderMember.objects.get(user=demo["tecnico2"])
    page.goto(f"{base}/admin/providers/providermember/{member.pk}/change/")
    expect(page.locator(".inline-group", has_text="Executante → Gestor")).to_be_visible()
    expect(page.locator(".inline-group .inline-deletelink")).to_have_count(0)
    page.locator("input[name=role][value=executante]").check()
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    expect(page.locator("ul.messagelist li.success", has_text="Talita Técnica")).to_be_visible()
    expect(page.locator(".inline-group", has_text="Gestor → Executante")).to_be_visible()
    screenshot(page, "admin-person-history")

    assert problems == []
