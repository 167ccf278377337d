"""Public verification: anyone holding a document (or its code) checks that the portal issued it, that it is
unchanged, and that it has not been revoked. The pages never show what the document says."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.core.access import public
from vikno.documents import codes, selectors, services
from vikno.documents.forms import CodeForm, UploadForm


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET: the two ways to check (a code, sent back here as ?code=, or a file). POST: the uploaded file."""
    code_form = CodeForm(request.GET if "code" in request.GET else None)
    upload_form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if code_form.is_bound and code_form.is_valid():
        return redirect("documents:verify-code", code=codes.display(code_form.cleaned_data["code"]))
    if upload_form.is_bound and upload_form.is_valid():
        verification = services.verify_pdf(data=upload_form.cleaned_data["document"])
        return render(request, "documents/verify_result.html", {"verification": verification})
    bound = code_form if code_form.is_bound else upload_form
    context = {"code_form": code_form, "upload_form": upload_form, "errors": bound}
    return render(request, "documents/verify.html", context, status=400 if bound.is_bound else 200)


@public
@never_cache
@require_http_methods(["GET"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """What the public may know of a document from its code: title, issuer, date, and whether it still holds."""
    normalised = codes.parse(code)
    document = selectors.document_get_by_code(code=normalised) if normalised else None
    if document is None:
        context = {"code": code[:40], "well_formed": normalised is not None}
        return render(request, "documents/code_not_found.html", context, status=404)
    if code != document.display_code:
        return redirect("documents:verify-code", code=document.display_code)
    return render(request, "documents/verify_code.html", {"document": document})
