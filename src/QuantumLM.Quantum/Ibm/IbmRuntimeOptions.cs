using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// Settings of the IBM Quantum Runtime client, bound from the configuration section <c>QuantumLM:Ibm</c>
/// (environment: <c>QuantumLM__Ibm__ApiKey</c>, <c>QuantumLM__Ibm__ServiceCrn</c>, …) and validated at start-up.
/// </summary>
public sealed class IbmRuntimeOptions
{
    /// <summary>The configuration section the parameterless registration binds: <c>QuantumLM:Ibm</c>.</summary>
    public const string SectionName = "QuantumLM:Ibm";

    /// <summary>Gets or sets the IBM Cloud API key, exchanged for IAM bearer tokens. It is never logged.</summary>
    [Required]
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the CRN of the Qiskit Runtime instance, sent as the <c>Service-CRN</c> header.</summary>
    /// <value>For example <c>crn:v1:bluemix:public:quantum-computing:us-east:a/&lt;account&gt;:&lt;instance&gt;::</c>.</value>
    [Required]
    [RegularExpression("^crn:.+")]
    public string ServiceCrn { get; set; } = string.Empty;

    /// <summary>The default <see cref="BaseUrl"/>, the runtime of region <c>us-east</c>.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://quantum.cloud.ibm.com/api/v1");

    /// <summary>Gets or sets the runtime API root, including <c>/api/v1</c>.</summary>
    /// <value>
    /// The default is <c>https://quantum.cloud.ibm.com/api/v1</c> (region <c>us-east</c>). When it is left at the default
    /// and <see cref="ServiceCrn"/> names another region (its 6th field, for example <c>eu-de</c>), the regional root
    /// <c>https://eu-de.quantum.cloud.ibm.com/api/v1</c> is used, as IBM's own client does.
    /// </value>
    [Required]
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Gets or sets the IAM root; tokens come from <c>{IamUrl}/identity/token</c>.</summary>
    /// <value>The default is <c>https://iam.cloud.ibm.com</c>.</value>
    [Required]
    public Uri IamUrl { get; set; } = new("https://iam.cloud.ibm.com");

    /// <summary>Gets or sets the <c>IBM-API-Version</c> header value.</summary>
    /// <value>The default is <c>2026-04-15</c>, the version qiskit-ibm-runtime 0.49 sends.</value>
    [Required]
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}$")]
    public string ApiVersion { get; set; } = "2026-04-15";

    /// <summary>Gets or sets the first interval between job status polls; it doubles up to <see cref="MaxPollInterval"/>.</summary>
    /// <value>The default is 0.5 s.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Gets or sets the longest interval between job status polls.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the timeout of one HTTP attempt (a job submission gets <see cref="SubmitTimeout"/> instead).</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the timeout of one <c>POST /jobs</c> attempt.</summary>
    /// <value>The default is 900 s, as the Python client uses.</value>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(900);

    /// <summary>Gets or sets how many times a failed idempotent request is retried (and how many times a job submission with an unknown outcome is re-checked and resubmitted).</summary>
    /// <value>The default is 5, as the Python client (urllib3 <c>total=5</c>).</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the base delay of the exponential retry backoff (jittered); a <c>Retry-After</c> header overrides it.</summary>
    /// <value>The default is 0.5 s.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Gets or sets the longest delay between retries, including one asked for by <c>Retry-After</c>.</summary>
    /// <value>The default is 120 s.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets whether results are requested in Qiskit's typed encoding (<c>support_qiskit: true</c>) rather than plain JSON. Both are decoded.</summary>
    /// <value>The default is <see langword="false"/> (plain JSON, the REST default).</value>
    public bool SupportQiskit { get; set; }

    /// <summary>Gets or sets the <c>program_id</c> of sampler jobs.</summary>
    /// <value>The default is <c>sampler</c>.</value>
    [Required]
    public string SamplerProgramId { get; set; } = "sampler";

    /// <summary>Gets or sets the limit on the decoded size of one result register array, guarding against hostile payloads.</summary>
    /// <value>The default is 256 MiB.</value>
    [Range(1024L, 4L * 1024 * 1024 * 1024)]
    public long MaxResultArrayBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Returns a description without secrets.</summary>
    /// <returns>The base URL, IAM URL and API version; the API key is never included.</returns>
    public override string ToString() => $"IbmRuntimeOptions {{ BaseUrl = {BaseUrl}, IamUrl = {IamUrl}, ApiVersion = {ApiVersion}, ApiKey = ***, ServiceCrn = {ServiceCrn} }}";
}

/// <summary>Derives the regional runtime root from the CRN when <see cref="IbmRuntimeOptions.BaseUrl"/> was left at its default.</summary>
internal sealed class IbmRuntimeOptionsRegionPostConfigure : IPostConfigureOptions<IbmRuntimeOptions>
{
    public void PostConfigure(string? name, IbmRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl == IbmRuntimeOptions.DefaultBaseUrl && RegionOf(options.ServiceCrn) is { } region && region != "us-east")
        {
            options.BaseUrl = new Uri($"https://{region}.quantum.cloud.ibm.com/api/v1");
        }
    }

    /// <summary>The region of a CRN: its 6th <c>:</c>-separated field, when it looks like a region name.</summary>
    internal static string? RegionOf(string? crn)
    {
        string[] parts = (crn ?? string.Empty).Split(':');
        return parts.Length > 5 && parts[0] == "crn" && parts[5].Length > 0 && parts[5].All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? parts[5]
            : null;
    }
}

/// <summary>The source-generated validator of the data annotations of <see cref="IbmRuntimeOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class IbmRuntimeOptionsValidator : IValidateOptions<IbmRuntimeOptions>
{
}

/// <summary>Cross-field rules of <see cref="IbmRuntimeOptions"/>.</summary>
internal sealed class IbmRuntimeOptionsRulesValidator : IValidateOptions<IbmRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, IbmRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BaseUrl is { } b && (!b.IsAbsoluteUri || (b.Scheme != Uri.UriSchemeHttps && b.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"BaseUrl: '{b}' is not an absolute http(s) URL.");
        }

        if (options.IamUrl is { } i && (!i.IsAbsoluteUri || (i.Scheme != Uri.UriSchemeHttps && i.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"IamUrl: '{i}' is not an absolute http(s) URL.");
        }

        Check(failures, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        Check(failures, nameof(options.MaxPollInterval), options.MaxPollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        Check(failures, nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Check(failures, nameof(options.SubmitTimeout), options.SubmitTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(2));
        Check(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Check(failures, nameof(options.MaxRetryDelay), options.MaxRetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (options.MaxPollInterval < options.PollInterval)
        {
            failures.Add($"MaxPollInterval: {options.MaxPollInterval} is shorter than PollInterval {options.PollInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name}: {value} is outside {min}..{max}.");
        }
    }
}
