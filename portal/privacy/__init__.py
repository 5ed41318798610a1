"""The applicant's rights over their personal data (UU 27/2022): "My data" (download everything
as JSON and a readable PDF, see who of the staff looked, close the account), the record of
staff views of identity documents and personal details, and the retention rules' daily job.
The privacy notice and the consent given at registration are auth's (auth.consent)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from portal.privacy import views  # noqa: E402, F401
