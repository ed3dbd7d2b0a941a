using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// The cross-cutting HTTP behaviour of the API: snake_case JSON, problem details for every error, request size limit,
/// CORS from configuration, rate limiting, and the OpenAPI document with its interactive page.
/// </summary>
internal static class HttpPipeline
{
    /// <summary>Registers the services (call once, for processes that serve the API).</summary>
    public static void AddQuantumLmHttp(this WebApplicationBuilder builder)
    {
        IServiceCollection services = builder.Services;
        services.AddOptions<ApiHttpOptions>()
            .BindConfiguration(ApiHttpOptions.SectionName, static o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiHttpOptions>, ApiHttpOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiHttpOptions>, ApiHttpOptionsRules>();

        services.ConfigureHttpJsonOptions(static o => HttpJson.Apply(o.SerializerOptions));

        // Binding failures (malformed JSON, wrong types, missing body, unparsable route values) throw, so that
        // ApiExceptionHandler can answer with problem details that name the field instead of an empty 400.
        services.Configure<RouteHandlerOptions>(static o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(static o => o.CustomizeProblemDetails = static c =>
        {
            c.ProblemDetails.Extensions.Remove("traceId");
            c.ProblemDetails.Extensions["trace_id"] = Activity.Current?.Id ?? c.HttpContext.TraceIdentifier;
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "A valid bearer token is required (Authorization: Bearer <access token>).",
                StatusCodes.Status403Forbidden => "The caller lacks the permission for this operation.",
                StatusCodes.Status404NotFound => "No resource at this address, or it is not visible to the caller.",
                StatusCodes.Status405MethodNotAllowed => $"{c.HttpContext.Request.Method} is not allowed on this resource.",
                StatusCodes.Status413PayloadTooLarge => "The request body exceeds the configured limit (QuantumLM:Http:MaxRequestBodyBytes).",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ => c.ProblemDetails.Title,
            };
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiHttpOptions>>(static (k, http) =>
            k.Limits.MaxRequestBodySize = http.Value.MaxRequestBodyBytes);

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<ApiHttpOptions>>(static (cors, http) =>
            cors.AddDefaultPolicy(p =>
            {
                CorsSettings s = http.Value.Cors;
                p.WithOrigins(s.AllowedOrigins)
                    .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                    .WithHeaders("authorization", "content-type", "last-event-id", "accept")
                    .WithExposedHeaders("retry-after", "location")
                    .SetPreflightMaxAge(s.PreflightMaxAge);
            }));

        services.AddQuantumLmRateLimiting();
        services.AddOpenApi(static o => o.AddDocumentTransformer(static (doc, _, _) =>
        {
            doc.Info.Title = "QuantumLM API";
            doc.Info.Description = "The QuantumLM platform: sign-up and login, profiles and follows, roles, arena sessions, quantum jobs, agents. "
                + "JSON is snake_case; errors are application/problem+json. Authenticate with `Authorization: Bearer <access_token>` from POST /api/auth/login.";
            doc.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["Bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /api/auth/login or /api/auth/refresh, or from the configured external issuer.",
            };
            doc.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("Bearer", doc)] = [] }];
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// Adds the middleware, in order: exception handler → status-code problem pages → body-size guard → CORS →
    /// authentication → rate limiter → authorization. Call before mapping endpoints.
    /// </summary>
    public static void UseQuantumLmHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(static (context, next) =>
        {
            // A declared body over the limit is refused before anything reads it (Kestrel enforces the limit on
            // chunked bodies while they are read).
            long max = context.RequestServices.GetRequiredService<IOptions<ApiHttpOptions>>().Value.MaxRequestBodyBytes;
            if (context.Request.ContentLength > max)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            return next(context);
        });
        app.UseCors();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    /// <summary>Maps the OpenAPI document (<c>/openapi/v1.json</c>) and the interactive page (<c>/scalar/v1</c>, assets served locally) when enabled.</summary>
    public static void MapQuantumLmOpenApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ApiHttpOptions>>().Value.OpenApiEnabled)
        {
            return;
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(static o => o.WithTitle("QuantumLM API")).AllowAnonymous();
    }
}
