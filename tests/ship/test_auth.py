"""Password protection for a shared link: a wrong password is refused in a real browser."""

import pytest

from tests.app_process import app_process
from tests.chromium import chromium

pytestmark = pytest.mark.browser


def test_app_auth_refuses_a_wrong_password_and_admits_the_right_one(tmp_path):
    env = {"APP_AUTH": "alice:correct-horse"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app, chromium() as browser:
        page = browser.new_page()
        page.goto(app.url)
        page.get_by_label("username").fill("alice")
        page.get_by_label("password").fill("wrong")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect Credentials").wait_for()
        assert page.get_by_label("Prompt", exact=True).count() == 0

        page.get_by_label("username").fill("alice")
        page.get_by_label("password").fill("correct-horse")
        page.get_by_role("button", name="Login").click()
        page.get_by_label("Prompt", exact=True).first.wait_for()
