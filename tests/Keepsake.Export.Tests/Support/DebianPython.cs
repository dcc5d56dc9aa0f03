namespace Keepsake.Export.Tests.Support;

/// <summary>
/// The Python interpreter for tests that use a Python module as an independent peer. Debian's
/// /usr/bin/python3 sees the modules apt installs (test.sh installs python3-jsonschema; CI reaches no
/// Python registry), which a python3 earlier on PATH (pyenv, a venv) may not.
/// </summary>
internal static class DebianPython
{
    public static string Interpreter => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Fails the test, naming the Debian package, when the interpreter lacks <paramref name="module"/>.</summary>
    public static void Require(string module, string debianPackage)
    {
        var probe = TestKit.ExternalTool.Run(Interpreter, ["-c", $"import {module}"], TimeSpan.FromSeconds(30));
        Assert.True(probe.ExitCode == 0, $"{Interpreter} cannot import {module}: install Debian's {debianPackage} (./test.sh does). {probe.StandardError}");
    }
}
