using Keepsake.Repository.Crypto;
using Keepsake.Repository.Internal;

namespace Keepsake.Repository.Tests;

/// <summary>The native libraries the vault uses when the system has them, each with a managed fallback.</summary>
public enum NativeLibrary
{
    /// <summary>The system's libzstd (off with <c>KEEPSAKE_ZSTD=managed</c>).</summary>
    Zstd,

    /// <summary>OpenSSL 3's Poly1305 (off with <c>KEEPSAKE_POLY1305=managed</c>).</summary>
    Poly1305,
}

/// <summary>
/// A theory that compares a native library with its managed fallback: skipped, saying why, when the native
/// library is not in use (absent, or turned off to test the fallback), so that it never passes without comparing.
/// Whether it should have been there is checked by the library's own availability test.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute(NativeLibrary library)
    {
        var (loaded, variable) = library switch
        {
            NativeLibrary.Zstd => (Zstd.IsNative, "KEEPSAKE_ZSTD"),
            _ => (OpenSslPoly1305.IsAvailable, "KEEPSAKE_POLY1305"),
        };
        if (!loaded)
        {
            Skip = $"the native {library} library is not in use ({variable}={Environment.GetEnvironmentVariable(variable) ?? "unset"}): nothing to compare the managed code with";
        }
    }
}
