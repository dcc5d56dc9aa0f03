namespace Keepsake.Web.Data;

/// <summary>A readable table made from an export: a title, column names and rows of text.</summary>
public sealed record DataTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, int TotalRows);
