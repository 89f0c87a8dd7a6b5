// 红黄绿灯: a coloured dot with its name (colour alone would not reach everyone).
import { Badge } from 'antd';
import { RAG } from '../format/labels';

export function RagLight({ rag }: { rag: keyof typeof RAG }) {
  return <Badge status={RAG[rag].status} text={RAG[rag].name} />;
}
