"""Helpers shared by the browser tests: what went wrong on the page, and htmx switched off."""

CSP_PROBE = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
"""


def watch(page):
    """Console errors, CSP violations and uncaught exceptions of the page, collected."""
    problems = []
    page.add_init_script(CSP_PROBE)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def without_htmx(page):
    """Serve an empty htmx: every form and link must then work as plain HTML."""
    page.route("**/vendor/htmx/*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
