// @ts-check
/**
 * A TypeDoc plugin: every public export must be documented with an `@example`. TypeDoc's own
 * `notDocumented` check only asks for a comment, and also for every nested property of a
 * Schema's type, which says nothing a reader needs; this asks for what the project promises.
 *
 * Checked: functions, variables, classes, interfaces, type aliases and namespaces exported by
 * a module or namespace, and the static members a class declares (`KaizenClient.layer`). A
 * type alias named after a Schema documented with an example (`type Stats = typeof
 * Stats.Type`) is covered by the Schema's. A missing example is a warning, which
 * `treatWarningsAsErrors` turns into a failed `npm run docs`.
 */
import { Converter, ReflectionKind } from "typedoc"

const exported =
  ReflectionKind.Function |
  ReflectionKind.Variable |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Namespace

const containers = ReflectionKind.Project | ReflectionKind.Module | ReflectionKind.Namespace

/** @param {import("typedoc").Reflection} reflection */
const hasExample = (reflection) => {
  const r = /** @type {import("typedoc").DeclarationReflection} */ (reflection)
  const comments = [r.comment, ...(r.signatures ?? []).map((s) => s.comment)]
  return comments.some((comment) => comment?.blockTags.some((tag) => tag.tag === "@example") ?? false)
}

/** @param {import("typedoc").Application} app */
export const load = (app) => {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      const parent = reflection.parent
      if (parent === undefined) continue
      const topLevel = reflection.kindOf(exported) && parent.kindOf(containers)
      const staticMember = parent.kindOf(ReflectionKind.Class) && reflection.flags.isStatic &&
        /** @type {import("typedoc").DeclarationReflection} */ (reflection).inheritedFrom === undefined
      if (!topLevel && !staticMember) continue
      if (hasExample(reflection)) continue
      if (reflection.kindOf(ReflectionKind.TypeAlias)) {
        const schema = /** @type {import("typedoc").ContainerReflection} */ (parent).children?.find((c) =>
          c !== reflection && c.name === reflection.name && c.kindOf(ReflectionKind.Variable)
        )
        if (schema !== undefined && hasExample(schema)) continue
      }
      app.logger.warn(`${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}) has no @example`)
    }
  })
}
