namespace Keepsake.Repository.S3;

/// <summary>
/// A vault on S3-compatible storage, written as restic writes it:
/// <c>s3:http://host[:port]/bucket[/prefix]</c>, <c>s3:https://…</c>, or <c>s3:host/bucket[/prefix]</c>
/// (HTTPS), e.g. <c>s3:s3.amazonaws.com/bucket/prefix</c> for AWS itself. An address never holds
/// credentials: they come from the standard AWS variables and profiles.
/// </summary>
public sealed record S3Address
{
    /// <summary>The scheme prefix that marks an S3 address.</summary>
    public const string Scheme = "s3:";

    private S3Address(Uri endpoint, string bucket, string prefix)
    {
        Endpoint = endpoint;
        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>The server, e.g. <c>http://127.0.0.1:7480/</c> or <c>https://s3.amazonaws.com/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The bucket name.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix inside the bucket, without leading or trailing '/', or empty.</summary>
    public string Prefix { get; }

    /// <summary>Whether the endpoint is AWS itself (virtual-hosted addressing, a real region).</summary>
    public bool IsAws => Endpoint.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The AWS region named by the host (<c>s3.eu-west-1.amazonaws.com</c>), or null.</summary>
    public string? HostRegion
    {
        get
        {
            var parts = Endpoint.Host.Split('.');
            return IsAws && parts.Length == 4 && parts[0].StartsWith("s3", StringComparison.OrdinalIgnoreCase) ? parts[1] : null;
        }
    }

    /// <summary>Whether <paramref name="value"/> is meant as an S3 address (starts with <c>s3:</c>).</summary>
    public static bool IsS3(string value) => value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses an <c>s3:</c> address.</summary>
    /// <exception cref="FormatException">Not a valid S3 address; the message says why (never echoing credentials).</exception>
    public static S3Address Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsS3(value))
        {
            throw new FormatException("an S3 vault address starts with 's3:'.");
        }

        var rest = value[Scheme.Length..];
        if (!rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            rest = "https://" + rest;
        }

        if (!Uri.TryCreate(rest, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("the S3 address is not of the form s3:http(s)://host[:port]/bucket[/prefix] or s3:host/bucket[/prefix].");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new FormatException("an S3 address must not contain credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new FormatException("an S3 address has no query or fragment.");
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? path : path[..slash];
        var prefix = slash < 0 ? string.Empty : path[(slash + 1)..].Trim('/');
        if (!IsValidBucket(bucket))
        {
            throw new FormatException(bucket.Length == 0
                ? "the S3 address names no bucket: write s3:http(s)://host[:port]/bucket[/prefix]."
                : $"'{bucket}' is not a valid bucket name (3-63 characters: lower-case letters, digits, '.', '-').");
        }

        if (prefix.Length > 0 && prefix.Split('/').Any(p => p.Length == 0 || p is "." or ".."))
        {
            throw new FormatException($"the prefix '{prefix}' has an empty, '.' or '..' part.");
        }

        var endpoint = new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri;
        return new S3Address(endpoint, bucket, prefix);
    }

    /// <summary>The address in restic's form (never holds credentials).</summary>
    public override string ToString()
    {
        var port = Endpoint.IsDefaultPort ? string.Empty : $":{Endpoint.Port}";
        var tail = Prefix.Length == 0 ? Bucket : $"{Bucket}/{Prefix}";
        return $"{Scheme}{Endpoint.Scheme}://{Endpoint.Host}{port}/{tail}";
    }

    private static bool IsValidBucket(string bucket) =>
        bucket.Length is >= 3 and <= 63
        && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_')
        && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1]);
}
