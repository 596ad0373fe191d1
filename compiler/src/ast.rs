//! The compiler's own syntax tree: what `parse` produces from SWC's and the rest of the compiler
//! reads. It keeps only what PipyJS needs and positions as byte offsets into the source.
//!
//! Architecture invariant: no SWC type appears here or anywhere outside `parse.rs`.

use std::cell::Cell;
use std::rc::Rc;

/// Byte offset into the source (0-based).
pub type Pos = u32;

/// A JS string literal's exact content (UTF-16, lone surrogates included).
pub type JsText = Rc<[u16]>;

pub fn text(s: &str) -> JsText {
    s.encode_utf16().collect::<Vec<u16>>().into()
}

#[derive(Debug)]
pub struct Program {
    pub body: Vec<Stmt>,
    pub is_module: bool,
    pub strict: bool,
    /// The source is a single expression statement (its value is the program's value).
    pub pos: Pos,
}

/// A resolved reference: `Binding::Unresolved` until the resolver runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Unresolved,
    /// A declaration (index into the resolver's declaration table).
    Decl(u32),
    /// Not declared anywhere in the script: a global.
    Global,
    /// A context variable (`_x` of `pipy({_x})`, an imported `__x`, a top-level `var $x`):
    /// a slot of the running pipeline's context.
    Context,
}

/// A name that, when no declaration binds it, is a context variable: `_x`/`__x` and `$x`
/// (but not `_` or `$` alone, nor names made only of `$`).
pub fn is_context_name(name: &str) -> bool {
    (name.len() > 1 && name.starts_with('_') && name != "__proto__") || is_fiber_name(name)
}

/// A top-level `var $x`: a per-stream fiber variable in the original's 1.x API.
pub fn is_fiber_name(name: &str) -> bool {
    name.starts_with('$') && name.chars().any(|c| c != '$')
}

#[derive(Debug)]
pub struct Ident {
    pub name: Rc<str>,
    pub pos: Pos,
    pub binding: Cell<Binding>,
}

impl Ident {
    pub fn new(name: &str, pos: Pos) -> Ident {
        Ident { name: name.into(), pos, binding: Cell::new(Binding::Unresolved) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Var,
    Let,
    Const,
}

#[derive(Debug)]
pub struct VarDecl {
    pub kind: VarKind,
    pub decls: Vec<(Pattern, Option<Expr>)>,
    pub pos: Pos,
    /// End of the declaration: reads after it need no temporal-dead-zone check.
    pub end: Pos,
}

#[derive(Debug)]
pub enum Stmt {
    Expr(Expr),
    Var(VarDecl),
    Function(Rc<Function>),
    Class(Rc<Class>),
    Return(Option<Expr>, Pos),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    Block(Block),
    For {
        init: Option<ForInit>,
        test: Option<Expr>,
        update: Option<Expr>,
        body: Box<Stmt>,
        scope: ScopeId,
    },
    ForInOf {
        of: bool,
        left: ForHead,
        right: Expr,
        body: Box<Stmt>,
        pos: Pos,
        scope: ScopeId,
    },
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    Break(Option<Rc<str>>, Pos),
    Continue(Option<Rc<str>>, Pos),
    Throw(Expr, Pos),
    Try {
        block: Block,
        param: Option<Pattern>,
        handler: Option<Block>,
        finalizer: Option<Block>,
        catch_scope: ScopeId,
    },
    Switch {
        discriminant: Expr,
        cases: Vec<Case>,
        scope: ScopeId,
    },
    Labeled(Rc<str>, Box<Stmt>),
    Empty,
    /// `import` declarations: names bound to module slots.
    Import(ImportDecl),
    /// `export` of declarations and names.
    Export(ExportDecl),
}

/// Identity of a lexical scope, filled by the resolver.
pub type ScopeId = Cell<u32>;

#[derive(Debug)]
pub struct Block {
    pub body: Vec<Stmt>,
    pub scope: ScopeId,
}

#[derive(Debug)]
pub struct Case {
    pub test: Option<Expr>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub enum ForInit {
    Var(VarDecl),
    Expr(Expr),
}

#[derive(Debug)]
pub enum ForHead {
    Var(VarKind, Pattern),
    Target(Pattern),
}

#[derive(Debug)]
pub struct ImportDecl {
    pub source: String,
    pub specifiers: Vec<ImportSpec>,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum ImportSpec {
    Default(Ident),
    Namespace(Ident),
    Named { imported: Rc<str>, local: Ident },
}

#[derive(Debug)]
pub enum ExportDecl {
    /// `export var/let/const/function/class …`
    Decl(Box<Stmt>),
    /// `export default expr`
    Default(Expr),
    /// `export { a as b }` (local names) or `export { a } from 'm'`.
    Named { specifiers: Vec<(Ident, Rc<str>)>, source: Option<String> },
    /// `export * from 'm'` / `export * as ns from 'm'`.
    All { source: String, alias: Option<Rc<str>> },
}

#[derive(Debug)]
pub enum Pattern {
    Ident(Ident),
    Object {
        props: Vec<PatProp>,
        rest: Option<Box<Pattern>>,
        pos: Pos,
    },
    Array {
        elems: Vec<Option<Pattern>>,
        rest: Option<Box<Pattern>>,
        pos: Pos,
    },
    Default(Box<Pattern>, Box<Expr>),
    /// A member expression as an assignment target (`[a.b] = …`).
    Expr(Box<Expr>),
}

#[derive(Debug)]
pub struct PatProp {
    pub key: PropName,
    pub value: Pattern,
}

#[derive(Debug)]
pub enum PropName {
    /// Identifier or string key.
    Str(JsText),
    Num(f64),
    Computed(Box<Expr>),
    /// `#name` (the identifier holds the bare name; the resolver binds it to the class's `#name`).
    Private(Ident),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Typeof,
    Void,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    Shl,
    Shr,
    UShr,
    BitAnd,
    BitOr,
    BitXor,
    StrictEq,
    StrictNe,
    LooseEq,
    LooseNe,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    InstanceOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
    Nullish,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Assign,
    Binary(BinaryOp),
    Logical(LogicalOp),
}

#[derive(Debug)]
pub enum ArrayElem {
    Expr(Expr),
    Spread(Expr),
    Hole,
}

#[derive(Debug)]
pub enum Arg {
    Expr(Expr),
    Spread(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Method,
    Getter,
    Setter,
}

#[derive(Debug)]
pub enum ObjProp {
    /// `key: value`, with where the key starts.
    KeyValue(PropName, Expr, Pos),
    Shorthand(Ident),
    Method {
        key: PropName,
        func: Rc<Function>,
        kind: MethodKind,
    },
    Spread(Expr),
}

#[derive(Debug)]
pub enum MemberProp {
    Name(JsText),
    Computed(Box<Expr>),
    /// `#name` (the identifier holds the bare name; the resolver binds it to the class's `#name`).
    Private(Ident),
}

#[derive(Debug)]
pub enum Expr {
    Num(f64),
    /// A string literal and where it starts.
    Str(JsText, Pos),
    Bool(bool),
    Null,
    Regex {
        pattern: JsText,
        flags: JsText,
        pos: Pos,
    },
    Template {
        quasis: Vec<JsText>,
        exprs: Vec<Expr>,
    },
    /// ``tag`a${b}c` ``: cooked strings (None where an escape is invalid) and raw strings.
    TaggedTemplate {
        tag: Box<Expr>,
        cooked: Vec<Option<JsText>>,
        raw: Vec<JsText>,
        exprs: Vec<Expr>,
        pos: Pos,
    },
    Ident(Ident),
    This(Pos),
    Array(Vec<ArrayElem>, Pos),
    Object(Vec<ObjProp>, Pos),
    Function(Rc<Function>),
    Class(Rc<Class>),
    Unary(UnaryOp, Box<Expr>, Pos),
    Update {
        inc: bool,
        prefix: bool,
        target: Box<Expr>,
        pos: Pos,
    },
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Pos),
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    Assign {
        op: AssignOp,
        target: Box<Pattern>,
        value: Box<Expr>,
        pos: Pos,
    },
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
        optional: bool,
        pos: Pos,
    },
    New {
        callee: Box<Expr>,
        args: Vec<Arg>,
        pos: Pos,
    },
    Member {
        obj: Box<Expr>,
        prop: MemberProp,
        optional: bool,
        pos: Pos,
    },
    SuperMember {
        prop: MemberProp,
        pos: Pos,
    },
    SuperCall {
        args: Vec<Arg>,
        pos: Pos,
    },
    /// The end of an optional chain: `a?.b.c` short-circuits to here.
    OptChain(Box<Expr>),
    Seq(Vec<Expr>),
    NewTarget(Pos),
    /// `#x in obj`.
    PrivateIn(Ident, Box<Expr>, Pos),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuncKind {
    Normal,
    Arrow,
    Method,
    Getter,
    Setter,
    ClassConstructor,
    DerivedConstructor,
    /// Instance field initialisers of a class, run as a method on the new object.
    FieldInit,
    /// The top level of a script or module.
    Script,
}

#[derive(Debug)]
pub struct Function {
    pub name: Option<Ident>,
    /// A named function *expression*: its name is visible inside it.
    pub self_binding: bool,
    /// The name given to an anonymous function by its context (`const f = () => …`).
    pub inferred_name: std::cell::RefCell<Option<Rc<str>>>,
    pub params: Vec<Pattern>,
    pub rest: Option<Pattern>,
    pub body: Vec<Stmt>,
    /// Arrow functions with an expression body: `body` is `[Return(expr)]`.
    pub expression: bool,
    pub kind: FuncKind,
    pub strict: bool,
    pub pos: Pos,
    /// Function-level scope id, filled by the resolver.
    pub scope: ScopeId,
    /// Scope of the body block (let/const/function in the body), filled by the resolver.
    pub body_scope: ScopeId,
    /// For `FieldInit`: the class whose fields it initialises.
    pub fields: Vec<ClassField>,
}

#[derive(Debug)]
pub struct ClassField {
    pub key: PropName,
    pub value: Option<Expr>,
    /// Computed keys are evaluated once, at class definition: lowering stores them here.
    pub pos: Pos,
}

#[derive(Debug)]
pub enum ClassMember {
    Method { key: PropName, func: Rc<Function>, kind: MethodKind, is_static: bool },
    Field { key: PropName, value: Option<Expr>, is_static: bool, pos: Pos },
    StaticBlock(Rc<Function>),
}

#[derive(Debug)]
pub struct Class {
    pub name: Option<Ident>,
    pub extends: Option<Expr>,
    pub constructor: Rc<Function>,
    pub members: Vec<ClassMember>,
    /// Instance fields, compiled as one initialiser function (None when the class has none).
    pub field_init: Option<Rc<Function>>,
    pub pos: Pos,
    /// Scope holding the class's inner name binding and private names.
    pub scope: ScopeId,
}
