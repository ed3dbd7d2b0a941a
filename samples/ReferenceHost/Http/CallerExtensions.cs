using System.Security.Claims;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Auth;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>Who is calling: the authenticated user of a request, as the database identity its queries run under.</summary>
internal static class CallerExtensions
{
    /// <summary>Gets the calling user's id (the <c>sub</c> claim); only valid on endpoints that require authorization.</summary>
    public static UserId GetUserId(this ClaimsPrincipal principal) =>
        TokenService.TryGetUserId(principal, out UserId user)
            ? user
            : throw new InvalidOperationException("The request has no authenticated user; the endpoint must require authorization.");

    /// <summary>
    /// Gets the identity every database call of this request runs under, so that row-level security decides what the
    /// caller sees (roles are read from the database by the policies, never trusted from the token).
    /// </summary>
    public static DbIdentity GetDbIdentity(this ClaimsPrincipal principal) => DbIdentity.ForUser(principal.GetUserId());
}
