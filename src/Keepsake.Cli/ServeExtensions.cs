using Keepsake.Service;

namespace Keepsake.Cli;

/// <summary>
/// The extensions <c>keepsake serve</c> composes (pages, extra schemes): the one place a project that
/// builds on the service plugs in, by adding its <see cref="IServeExtension"/> here.
/// </summary>
internal static class ServeExtensions
{
    public static IReadOnlyList<IServeExtension> All { get; } = [new Keepsake.Web.WebServeExtension()];
}
